"""Images of the content folder (content/images/): the library the editor offers."""

from pathlib import Path

IMAGE_FOLDER = "images"
EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


class Media:
    def __init__(self, content_dir: Path):
        self.folder = Path(content_dir) / IMAGE_FOLDER

    def listing(self) -> list[str]:
        """Names of the pictures in the library, newest first."""
        try:
            files = [
                p for p in self.folder.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file()
            ]
        except FileNotFoundError:
            return []
        return [p.name for p in sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)]
