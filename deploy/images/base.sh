#!/usr/bin/env bash
# The base image plora's images start from when no registry is reachable: Debian bookworm (minbase) with
# the Java 17 runtime, built here from Debian packages by debootstrap and loaded with `docker import`.
# Needs root (debootstrap) and a Debian mirror. On a builder that reaches a registry, skip this and pass
# an upstream Java 17 image instead: PLORA_BASE_IMAGE=eclipse-temurin:17-jre deploy/images/build.sh
#
# Usage: deploy/images/base.sh [TAG]        (default TAG: plora/base-jre:17-bookworm)
# Environment: PLORA_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
tag="${1:-plora/base-jre:17-bookworm}"
mirror="${PLORA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
command -v debootstrap >/dev/null || { echo "base.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "base.sh: debootstrap needs root" >&2; exit 2; }

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
echo "base.sh: debootstrap bookworm from $mirror into $root ($(date -Is))" >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$root" "$mirror" >&2

# What a runtime image does not need: package caches and lists, docs, man pages, other locales.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
  "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log "$root"/debootstrap
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'en*' -exec rm -rf {} + 2>/dev/null || true
# The user every plora image runs as (numeric in the manifests: runAsNonRoot needs a number).
echo 'plora:x:10001:10001:plora:/app:/usr/sbin/nologin' >> "$root/etc/passwd"
echo 'plora:x:10001:' >> "$root/etc/group"

tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV LANG=C.UTF-8' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --message "debootstrap --variant=minbase bookworm + openjdk-17-jre-headless ($mirror)" - "$tag" >&2
# The image's Java runs (in a container: the launcher finds its libraries through /proc).
docker run --rm --network host --user 10001 "$tag" java -version >&2
echo "base.sh: $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
