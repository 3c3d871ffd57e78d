#!/usr/bin/env bash
# Makes sure a Docker engine, compose and debootstrap are here for the container smoke test: installs
# Debian's docker.io, docker-compose and debootstrap when missing (root), and starts dockerd when none
# answers, without a bridge network (containers use the host's network; nothing leaves loopback).
set -euo pipefail
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [[ ${#need[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || { echo "docker-engine.sh: missing ${need[*]}; install them (apt-get install ${need[*]})" >&2; exit 2; }
  echo "docker-engine.sh: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  echo "docker-engine.sh: starting dockerd (--bridge=none --iptables=false --ip-masq=false)" >&2
  nohup dockerd --bridge=none --iptables=false --ip-masq=false >/var/log/plora-dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "docker-engine.sh: dockerd did not start; see /var/log/plora-dockerd.log" >&2; exit 1; }
fi
