// Package workloads holds the benchmark's transaction workloads and query
// workloads, one file each. Every file registers itself with the engine
// (bench/loadgen) from init(); importing the package for its side effects
// makes them all available:
//
//	import _ "github.com/carechain/carechain/bench/workloads"
//
// bench/README.md explains how to add one.
package workloads
