"""The built site as a whole: pages, layout, accessibility, build speed, launch content."""
