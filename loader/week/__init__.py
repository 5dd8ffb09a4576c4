"""`loader week`: the week's files in, a checked build, capped exports and the reports
out, in one run (docs/operations.md, "One command a week")."""
