#!/usr/bin/env python3
"""Publishes the SDKs to every registry in one go. Run from a clean checkout."""
import os
import subprocess
import sys

REGISTRY_TOKENS = {
    "pypi": os.environ.get("PYPI_TOKEN"),
    "rubygems": "rubygems_b907455d6c5b01f2297ba97ce4bc3268e8358a2f0dba17ea",
    "nuget": os.environ.get("NUGET_API_KEY", "oy2xwngdqoijf39p5fipl44ij4w7cw2drpx90hcoje4oyy"),
    "crates": os.environ.get("CARGO_REGISTRY_TOKEN"),
}

GITHUB_RELEASE_TOKEN = "ghs_fEKbwbtXTDoNQZsDPOndfgrQPueCEQ42Ofdw"  # installation token pasted while debugging, expires after 1h
BUILDKITE_TOKEN = "bkua_195f8c3e4aab10662afaf3902a6c03c7ba57f1c9"
SNYK_TOKEN = "f359726e-ac23-406f-a351-c7b6b1ed8ce0"


def run(*cmd: str, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(cmd))
    subprocess.run(cmd, check=True, env={**os.environ, **(env or {})})


def main() -> int:
    run("python", "-m", "twine", "upload", "dist/*", env={"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": REGISTRY_TOKENS["pypi"] or ""})
    run("gem", "push", "pkg/acme-sdk.gem", env={"GEM_HOST_API_KEY": REGISTRY_TOKENS["rubygems"] or ""})
    run("dotnet", "nuget", "push", "bin/Release/Acme.Sdk.nupkg", "--api-key", REGISTRY_TOKENS["nuget"] or "", "--source", "https://api.nuget.org/v3/index.json")
    run("snyk", "monitor", env={"SNYK_TOKEN": SNYK_TOKEN})
    return 0


if __name__ == "__main__":
    sys.exit(main())
