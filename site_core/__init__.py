"""What the site build (plugins/) and the comment service (service/) share.

Imports run one way: plugins and service import site_core; site_core imports neither.
"""
