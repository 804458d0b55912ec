"""What a writer's text may be and what a page may carry: the checks the build and the room
share (rules.py) and the markup allow-list with the site's CSP (policy.py)."""
