"""Swapping a built site in: a plain folder is exchanged in one system call, a symbolic link
is replaced, a first publication is a rename; the old site is handed back for deletion."""

import os

from service.room.publishing.swap import swap_in


def site(folder, text: str):
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    return folder


def test_a_plain_folder_is_exchanged(tmp_path):
    public = site(tmp_path / "site", "ancien")
    inode = os.stat(public).st_ino
    old = swap_in(site(tmp_path / ".site.staging", "nouveau"), public)
    assert (public / "index.html").read_text() == "nouveau"
    assert old == tmp_path / ".site.staging" and (old / "index.html").read_text() == "ancien"
    assert os.stat(public).st_ino != inode and not public.is_symlink()


def test_a_symbolic_link_is_replaced(tmp_path):
    first = site(tmp_path / "site.versions" / "1", "ancien")
    public = tmp_path / "site"
    public.symlink_to(first)
    old = swap_in(site(tmp_path / ".site.staging", "nouveau"), public)
    assert public.is_symlink() and (public / "index.html").read_text() == "nouveau"
    assert public.resolve().parent == tmp_path / "site.versions"
    assert old == first and not (tmp_path / ".site.staging").exists()


def test_the_first_publication_is_a_rename(tmp_path):
    assert swap_in(site(tmp_path / ".site.staging", "premier"), tmp_path / "site") is None
    assert (tmp_path / "site" / "index.html").read_text() == "premier"
