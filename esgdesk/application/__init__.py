"""The application: the working session and the command line, both free of Qt."""
