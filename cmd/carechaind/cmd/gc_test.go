package cmd

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestNodeGCSettings(t *testing.T) {
	const mem = 32 << 30
	cases := []struct {
		name   string
		env    map[string]string
		memory uint64
		want   gcSettings
		log    string
	}{
		{"defaults", nil, mem, gcSettings{SetPercent: true, Percent: 300, SetLimit: true, Limit: 16 << 30},
			"GOGC=300 (carechaind default; set GOGC to change), memory limit 16384 MiB"},
		{"GOGC from the environment", map[string]string{"GOGC": "100"}, mem, gcSettings{SetLimit: true, Limit: 16 << 30},
			"GOGC=100 (environment), memory limit 16384 MiB"},
		{"GOGC=off from the environment", map[string]string{"GOGC": "off"}, mem, gcSettings{SetLimit: true, Limit: 16 << 30},
			"GOGC=off (environment)"},
		{"GOMEMLIMIT from the environment", map[string]string{"GOMEMLIMIT": "6GiB"}, mem, gcSettings{SetPercent: true, Percent: 300},
			"GOMEMLIMIT=6GiB (environment)"},
		{"memory unknown", nil, 0, gcSettings{SetPercent: true, Percent: 300},
			"no memory limit (available memory unknown; set GOMEMLIMIT)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := nodeGCSettings(env(tc.env), tc.memory)
			require.Equal(t, tc.want, got)
			require.Contains(t, got.describe(env(tc.env)), tc.log)
		})
	}
}

func TestApplyNodeGCSetsTheRuntime(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT set for this test run")
	}
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})

	msg := applyNodeGC()
	require.Equal(t, nodeGCPercent, debug.SetGCPercent(nodeGCPercent), msg)
	if mem := usableMemory(); mem > 0 {
		require.Equal(t, int64(mem/nodeMemoryLimitDivide), debug.SetMemoryLimit(-1), msg)
	}
	require.True(t, strings.HasPrefix(msg, "garbage collector: GOGC=300"), msg)
}

func TestUsableMemoryFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	require.Equal(t, uint64(24683584)<<10, memTotal(write("meminfo", "MemTotal:       24683584 kB\nMemFree:        1 kB\n")))
	require.Zero(t, memTotal(write("meminfo-bad", "MemFree: 1 kB\n")))
	require.Zero(t, memTotal(filepath.Join(dir, "absent")))

	require.Equal(t, uint64(8<<30), cgroupLimit(write("memory.max", "8589934592\n")))
	require.Zero(t, cgroupLimit(write("memory.max-unlimited", "max\n")))
	require.Zero(t, cgroupLimit(write("limit_in_bytes", "9223372036854771712\n")), "cgroup v1's unlimited")
}
