"""Tests of the publication pipeline (service/room/publishing/)."""
