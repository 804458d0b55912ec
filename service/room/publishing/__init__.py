"""Publishing the site: what happens on publish is pipeline.py; the jobs and their thread are
jobs.py; the builds run in a warm builder process (building.py, builder.py) into two trees
exchanged in one step (trees.py, swap.py)."""
