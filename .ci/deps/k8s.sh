#!/bin/bash
# The Kubernetes control plane the Argo tests run against, built from the Go
# module proxy (no cluster, no Docker, no GitHub): etcd, kube-apiserver and
# Argo's workflow-controller, plus Argo's CRDs. Built once into the user cache
# dir, keyed by the three versions, so a warm machine skips it; cold it takes
# ~14 min on 2 cores. internal/testenv/argotest finds the result there.
#
# usage: .ci/deps/k8s.sh        (versions below; keep them equal to argotest's)
set -euo pipefail
K=v1.37.2   # k8s.io/kubernetes (cmd/kube-apiserver)
E=v3.7.3    # go.etcd.io/etcd/server/v3
A=v3.7.18   # github.com/argoproj/argo-workflows/v3 (cmd/workflow-controller); @latest is refused by the proxy
OUT=${XDG_CACHE_HOME:-$HOME/.cache}/flowc/k8s/k8s-$K-etcd-$E-argo-$A
say() { for b in etcd kube-apiserver workflow-controller; do echo "k8s: $OUT/$b"; done; }
if [ -f "$OUT/.complete" ]; then say; exit 0; fi

export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$(dirname "$OUT")"
TMP=$(mktemp -d "$OUT.tmp.XXXXXX")
W=$(mktemp -d)
trap 'rm -rf "$W" "$TMP"' EXIT

# kube-apiserver and etcd. k8s.io/kubernetes replaces its staging modules
# (k8s.io/api, k8s.io/apiserver, ...) with ./staging/...; a consumer module must
# replace each with the published v0.X.Y module. The two sample-* staging
# modules are not on the proxy and nothing here imports them.
mkdir -p "$W/kapi" && cd "$W/kapi"
KMOD=$(go mod download -json "k8s.io/kubernetes@$K" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
STAGING=v0.${K#v1.}
{
	echo "module kapi"
	echo
	echo "go $(awk '/^go /{print $2}' "$KMOD")"
	echo
	echo "require ("
	echo "	k8s.io/kubernetes $K"
	echo "	go.etcd.io/etcd/server/v3 $E"
	echo ")"
	echo
	echo "replace ("
	grep "=> ./staging" "$KMOD" | grep -v sample- | awk -v v="$STAGING" '{print "\t"$1" => "$1" "v}'
	echo ")"
} >go.mod
printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "go.etcd.io/etcd/server/v3"\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n)\n' >tools.go
go mod tidy
go build -trimpath -ldflags "-s -w" -o "$TMP/etcd" go.etcd.io/etcd/server/v3
MINOR=${STAGING#v0.}
MINOR=${MINOR%%.*}
go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$MINOR" \
	-o "$TMP/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver

# workflow-controller. Argo's go.mod has one replace (tablewriter) that a
# consumer must copy.
mkdir -p "$W/argo" && cd "$W/argo"
printf 'module argoctl\n\ngo 1.25.7\n\nrequire github.com/argoproj/argo-workflows/v3 %s\n\nreplace github.com/olekukonko/tablewriter => github.com/olekukonko/tablewriter v0.0.5\n' "$A" >go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/argoproj/argo-workflows/v3/cmd/workflow-controller"\n' >tools.go
go mod tidy
go build -trimpath -ldflags "-s -w" -o "$TMP/workflow-controller" github.com/argoproj/argo-workflows/v3/cmd/workflow-controller
cp -r "$(go list -m -f '{{.Dir}}' github.com/argoproj/argo-workflows/v3)/manifests/base/crds/minimal" "$TMP/crds"
chmod -R u+w "$TMP/crds"
rm -f "$TMP/crds/kustomization.yaml"

touch "$TMP/.complete"
rm -rf "$OUT"
mv "$TMP" "$OUT"
say
