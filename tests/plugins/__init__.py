"""The Pelican plugins on real builds: feeds, images, search, SEO, share cards, typography."""
