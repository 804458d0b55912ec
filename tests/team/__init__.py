"""Team accounts, roles and the team's log."""
