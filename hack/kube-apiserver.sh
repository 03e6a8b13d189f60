#!/usr/bin/env bash
# Starts etcd and kube-apiserver on loopback, the way the operator's API-server tests do, for a
# developer to apply crds/ and run the operator jar against (docs/development/kube-apiserver.md).
#
#   hack/kube-apiserver.sh up     # prints: export KUBECONFIG=.../admin.kubeconfig
#   hack/kube-apiserver.sh down   # stops both and removes their state
#
# The API server has RBAC, the admission webhooks, ValidatingAdmissionPolicy and Pod Security
# admission, and a service-account issuer with its own signing key, so TokenRequest works. There
# is no kubelet, scheduler or controller-manager: pods are stored, never run.
#
# Two more files in the state directory serve the tests: audit.log (the writes and lists of pods,
# ConfigMaps and webhook configurations, to count them) and egress.sock, where the API server
# sends its calls to Services (webhooks) as HTTP CONNECT requests, so that a test can stand in
# for kube-proxy and route a Service's cluster IP to a loopback port.
#
# Environment: KEYRELAY_KUBE_STATE (state directory, default $TMPDIR/keyrelay-kube-apiserver),
# KEYRELAY_KUBE_BIN (directory with etcd and kube-apiserver; default the build script's cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${KEYRELAY_KUBE_STATE:-${TMPDIR:-/tmp}/keyrelay-kube-apiserver}"
bin="${KEYRELAY_KUBE_BIN:-$("$here/build-kube-binaries.sh" --dir)}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
  local pid
  for name in kube-apiserver etcd; do
    [ -f "$state/$name.pid" ] || continue
    pid="$(cat "$state/$name.pid")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$state"
}

# A CA, the serving certificate for 127.0.0.1, an admin client certificate (group system:masters)
# and the service-account signing key.
make_pki() {
  local pki="$state/pki"
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=keyrelay-test-ca \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout serving.key \
      -out serving.csr 2>/dev/null
    openssl x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth') \
      -out serving.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj '/O=system:masters/CN=keyrelay-admin' \
      -keyout admin.key -out admin.csr 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile <(printf 'extendedKeyUsage=clientAuth') -out admin.crt 2>/dev/null
    openssl genrsa -out service-account.key 2048 2>/dev/null
    rm -f ./*.csr
  )
}

# Metadata only (who did what to which object, with the query string), for the resources whose
# request counts the tests assert on.
write_audit_policy() {
  cat >"$state/audit-policy.yaml" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [list, watch, create, update, patch, delete]
    resources:
      - group: ""
        resources: [pods, configmaps]
      - group: admissionregistration.k8s.io
        resources: [mutatingwebhookconfigurations]
  - level: None
POLICY
}

# Calls to Services (the "cluster" network context: service webhooks) go as HTTP CONNECT through
# a Unix socket. Endpoints may not hold loopback addresses, so without this the API server could
# not reach a webhook served on this machine under its Service name; the tests listen on the
# socket (ServiceProxy). Calls to URLs and to etcd are not affected.
write_egress_config() {
  cat >"$state/egress-selector.yaml" <<EGRESS
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
  - name: cluster
    connection:
      proxyProtocol: HTTPConnect
      transport:
        uds:
          udsName: $state/egress.sock
EGRESS
}

up() {
  for b in etcd kube-apiserver; do
    [ -x "$bin/$b" ] || { echo "$bin/$b is missing: run hack/build-kube-binaries.sh" >&2; exit 1; }
  done
  if [ -f "$state/kube-apiserver.pid" ] && kill -0 "$(cat "$state/kube-apiserver.pid")" 2>/dev/null; then
    echo "already up; hack/kube-apiserver.sh down first" >&2
    exit 1
  fi
  rm -rf "$state"
  mkdir -p "$state"
  make_pki
  write_audit_policy
  write_egress_config
  local pki="$state/pki" etcd_port peer_port api_port
  etcd_port="$(free_port)"
  peer_port="$(free_port)"
  api_port="$(free_port)"

  # Test data only: no fsync keeps etcd from being the slowest part of the suite.
  "$bin/etcd" --name keyrelay --data-dir "$state/etcd" --log-level warn --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "keyrelay=http://127.0.0.1:$peer_port" \
    >"$state/etcd.log" 2>&1 &
  echo $! >"$state/etcd.pid"

  # ServiceAccount admission is off: without a controller-manager no namespace gets its default
  # ServiceAccount, and pods would be refused for lacking it.
  "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --cert-dir "$state/certs" \
    --tls-cert-file "$pki/serving.crt" --tls-private-key-file "$pki/serving.key" \
    --client-ca-file "$pki/ca.crt" \
    --authorization-mode RBAC \
    --enable-admission-plugins NamespaceLifecycle,PodSecurity,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy,ResourceQuota \
    --disable-admission-plugins ServiceAccount \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$pki/service-account.key" \
    --service-account-signing-key-file "$pki/service-account.key" \
    --api-audiences https://kubernetes.default.svc \
    --service-cluster-ip-range 10.96.0.0/16 \
    --profiling=false \
    --audit-policy-file "$state/audit-policy.yaml" --audit-log-path "$state/audit.log" \
    --egress-selector-config-file "$state/egress-selector.yaml" \
    >"$state/kube-apiserver.log" 2>&1 &
  echo $! >"$state/kube-apiserver.pid"

  local url="https://127.0.0.1:$api_port"
  cat >"$state/admin.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: keyrelay-test
  cluster:
    server: $url
    certificate-authority: $pki/ca.crt
users:
- name: keyrelay-admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: keyrelay-test
  context: {cluster: keyrelay-test, user: keyrelay-admin}
current-context: keyrelay-test
KUBECONFIG

  for _ in $(seq 600); do
    if curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
      "$url/readyz" >/dev/null 2>&1; then
      echo "export KUBECONFIG=$state/admin.kubeconfig"
      return 0
    fi
    for name in etcd kube-apiserver; do
      if ! kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
        echo "$name exited; its log:" >&2
        tail -n 30 "$state/$name.log" >&2
        stop
        exit 1
      fi
    done
    sleep 0.1
  done
  echo "kube-apiserver not ready after 60 s; logs in $state" >&2
  exit 1
}

case "${1:-}" in
  up) up ;;
  down) stop ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
