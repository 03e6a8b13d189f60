// Command etcd is etcd's own server entry point, built from the go.etcd.io/etcd/server/v3
// module pinned in ../go.mod (the etcd-server Debian ships is too old for kube-apiserver 1.34).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
