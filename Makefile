# concbench: the thin entry points. Everything sets itself up on a fresh machine.
SHELL := /bin/bash
MVN := mvn -B -q

.PHONY: help build demo test unit python-test java-test e2e crds bench-kernel bench-operator images clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

build: ## build the kernel jar, the model, the operator and the command line (no tests)
	$(MVN) -DskipTests install

demo: ## run the classic experiment on this machine, no cluster (examples/seed-python-cpu.yaml)
	bin/concbench run examples/seed-python-cpu.yaml

test: unit e2e ## every test: kernel (Python + Java), domain, operator (mock server), end to end (real control plane)

unit: python-test java-test ## the tests that need no cluster

python-test: ## the Python kernel's tests
	python3 -m unittest discover -s kernel/python/tests

java-test: ## kernel, model (domain), operator and command-line tests, CRD drift check
	mvn -B verify

e2e: ## end to end on a local kube-apiserver + etcd + kube-controller-manager, with real kubectl and helm
	e2e/run

crds: ## regenerate crds/ and the chart's CRD from the API types
	$(MVN) -DskipTests -Dcrds.update -pl operator -am package

bench-kernel: ## the classic tables for CPython and the JVM, checked against the kernel targets (docs/benchmarks.md)
	bench/kernel

bench-operator: ## the operator's latency and load on the local control plane (docs/benchmarks.md)
	bench/operator

images: ## operator and kernel container images (needs a container engine; none runs on the dev machine)
	$(MVN) -DskipTests -pl kernel,operator -am package
	docker build -t concbench/concbench-operator:0.1.0 -f operator/src/main/docker/Dockerfile.jvm operator
	docker build -t concbench/concbench-kernel:0.1.0 -f kernel/Dockerfile kernel

clean:
	$(MVN) clean
