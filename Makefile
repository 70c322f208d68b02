# concbench: the thin entry points. Everything sets itself up on a fresh machine.
SHELL := /bin/bash
MVN := mvn -B -q

.PHONY: help build demo test unit python-test java-test apiserver-test apiserver-tools e2e crds bench-kernel bench-operator bench-runtimes bench-job-cost bench-contention images clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

build: ## build the kernel jar, the model, the operator and the command line (no tests)
	$(MVN) -DskipTests install

demo: ## run the classic experiment on this machine, no cluster (examples/seed-python-cpu.yaml)
	bin/concbench run examples/seed-python-cpu.yaml

test: unit e2e ## every test: kernel (Python + Java), domain, operator (mock server), end to end (real control plane and nodes)

unit: python-test java-test ## the tests that need no cluster

python-test: ## the Python kernel's tests
	python3 -m unittest discover -s kernel/python/tests

java-test: apiserver-tools ## kernel, model (domain), operator, API-server tier and command-line tests, CRD drift check
	mvn -B verify

apiserver-test: apiserver-tools ## only the API-server tier: the CRD and the chart's admission policies on a real kube-apiserver (apiserver-tests/)
	mvn -B verify -pl apiserver-tests -am -Dtest='dev/concbench/apiserver/**' -Dsurefire.failIfNoSpecifiedTests=false

# The API-server tier's kube-apiserver, etcd, kubectl and helm (cached; built with Go the first time: minutes).
apiserver-tools:
	@e2e/install-tools --quiet || { echo "make: e2e/install-tools could not install kube-apiserver, etcd, kubectl and helm," \
		"which the API-server tier (apiserver-tests/) runs; its error is above" >&2; exit 1; }

e2e: ## end to end on a local control plane and two real nodes (kubelet, containerd, runc; root), with real kubectl and helm
	e2e/run

crds: ## regenerate crds/ and the chart's CRD from the API types
	$(MVN) -DskipTests -Dcrds.update -pl operator -am package

bench-kernel: ## the classic tables for CPython and the JVM, checked against the kernel targets (docs/benchmarks.md)
	bench/kernel

bench-runtimes: ## examples/runtimes-cpu.yaml through the operator on the real nodes: the table across runtimes (root)
	bench/runtimes

bench-operator: ## the operator's latency and load on the local control plane (docs/benchmarks.md)
	bench/operator

bench-job-cost: ## what a one-run benchmark costs over a bare Job with the same pod template, on the real nodes (root; docs/benchmarks.md)
	bench/job-cost

bench-contention: ## how often contended fires quiet and beside CPUs+1 busy processes, 10 runs each, on this machine (docs/benchmarks.md; bench/contention --nodes: on the real nodes, root)
	bench/contention

images: ## the operator, Java kernel and Python kernel images from their Dockerfiles (podman or docker; e2e/images)
	$(MVN) -DskipTests -pl kernel,operator -am package
	e2e/images build
	@if [[ -n "$(REGISTRY)" ]]; then e2e/images push "$(REGISTRY)"; else echo "images: push them with: make images REGISTRY=host:port (the e2e nodes' registry: $$(e2e/nodes env | sed -n 's/^REGISTRY=//p'))"; fi

clean:
	$(MVN) clean
