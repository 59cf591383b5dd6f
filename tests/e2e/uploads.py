"""What the upload browser tests share: a server with its own media and temp folders, files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tether.testing import ServerProcess

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"

# Every value a <progress> inside the page takes, in order (a MutationObserver).
WATCH_PROGRESS = """() => {
  window.__progress = [];
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if (el.tagName === 'PROGRESS' && r.attributeName === 'value') {
        window.__progress.push(Number(el.getAttribute('value')));
      }
    }
  }).observe(document.body, {attributes: true, subtree: true, attributeFilter: ['value']});
}"""

# Drop files (name, text, type) on an element, as a browser's drag and drop does.
DROP = """([selector, files]) => {
  const dt = new DataTransfer();
  for (const [name, text, type] of files) dt.items.add(new File([text], name, {type}));
  document.querySelector(selector).dispatchEvent(
    new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""


@dataclass
class UploadServer:
    server: ServerProcess
    media: Path
    temp: Path

    @property
    def url(self) -> str:
        return self.server.url

    def stored(self, folder: str = "lab") -> list[str]:
        path = self.media / folder
        return sorted(os.listdir(path)) if path.exists() else []

    def temporary(self) -> list[str]:
        return sorted(os.listdir(self.temp))


@pytest.fixture(scope="module")
def upload_server(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UploadServer]:
    root = tmp_path_factory.mktemp("uploads")
    media, temp = root / "media", root / "temp"
    media.mkdir()
    temp.mkdir()
    env = {**demo_env, "DEMO_MEDIA": str(media), "TETHER_UPLOAD_TEMP_DIR": str(temp)}
    with ServerProcess("demo.asgi:application", cwd=DEMO, env=env, log=root / "server.log") as s:
        yield UploadServer(s, media, temp)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload(name: str, data: bytes, mime: str) -> dict[str, Any]:
    """A file for Playwright's ``set_input_files``."""
    return {"name": name, "mimeType": mime, "buffer": data}
