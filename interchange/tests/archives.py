"""What the import tests share to build archives."""

import hashlib


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_path(content: bytes, extension: str = ".pdf") -> str:
    digest = sha256(content)
    return f"uploads/{digest[:2]}/{digest[2:4]}/{digest}{extension}"
