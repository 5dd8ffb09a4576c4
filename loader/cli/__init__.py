"""The command line: the group and its error handling (main.py), the shapes both lanes' commands
share (shared.py), and the verbs that are not a lane's (db.py, run.py, mapping.py)."""
