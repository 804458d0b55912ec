"""The writing room: editor, images, previews, publications."""
