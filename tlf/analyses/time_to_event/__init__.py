"""The `time_to_event` family: Kaplan-Meier summary of a time to event."""
