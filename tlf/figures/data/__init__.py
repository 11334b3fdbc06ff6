"""What a figure plots when it reads its dataset directly (not through analyses): the records of each
treatment column and panel, and the numbers drawn (means by visit, Kaplan-Meier curves, individual
profiles), as ARD rows."""
