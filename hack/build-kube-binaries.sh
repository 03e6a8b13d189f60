#!/usr/bin/env bash
# Builds the kube-apiserver and etcd that the operator's API-server tests start, from the
# versions pinned in hack/kube/go.mod, into a cache outside git. Idempotent: a second run with
# both binaries present returns at once; a run after a go.mod change builds a new directory.
#
#   hack/build-kube-binaries.sh         # builds if needed, prints the directory holding them
#   hack/build-kube-binaries.sh --dir   # only prints that directory (the tests locate them so)
#
# KEYRELAY_KUBE_CACHE overrides the cache root (default ~/.cache/keyrelay/kube).
set -euo pipefail
cd "$(dirname "$0")/kube"

KUBE_VERSION=v1.34.4
ETCD_VERSION=v3.6.4
cache_root="${KEYRELAY_KUBE_CACHE:-$HOME/.cache/keyrelay/kube}"
out="$cache_root/$KUBE_VERSION-etcd-$ETCD_VERSION"

if [ "${1:-}" = --dir ]; then
  echo "$out"
  exit 0
fi
if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
  echo "$out"
  exit 0
fi

# The go.mod pins are what the directory name promises; a mismatch means someone bumped one
# without the other.
grep -q "k8s.io/kubernetes $KUBE_VERSION" go.mod || { echo "go.mod does not pin k8s.io/kubernetes $KUBE_VERSION" >&2; exit 1; }
grep -q "go.etcd.io/etcd/server/v3 $ETCD_VERSION" go.mod || { echo "go.mod does not pin etcd $ETCD_VERSION" >&2; exit 1; }

mkdir -p "$out"
staging="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0
echo "building kube-apiserver $KUBE_VERSION and etcd $ETCD_VERSION into $out" >&2
go build -trimpath -o "$staging/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -o "$staging/etcd" ./etcd
# Moved in last so that an interrupted build never leaves a half-written binary where the
# check above would take it for a finished one.
mv "$staging/kube-apiserver" "$staging/etcd" "$out/"
echo "$out"
