"""The `power_model` family: dose proportionality by the power model ln(value) = a + b ln(dose), per PK parameter."""
