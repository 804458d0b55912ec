"""The room's pages: what the editor refuses before anything is stored."""
