"""« La lettre des partenaires »: subscription, sending, bounces, the team's page."""
