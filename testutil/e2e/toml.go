package e2e

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// tomlSet is one edit of a generated config file: key in [section] ("" for
// the top level) gets value, a TOML literal ("\"text\"", "10", "true").
type tomlSet struct {
	section, key, value string
}

// editTOML rewrites keys of config.toml / app.toml in place. The files come
// from the SDK's and CometBFT's templates, one `key = value` per line, so a
// line edit keeps every other setting and comment as generated. A key that
// is not found is an error (a template change must not silently disable a
// test setting).
func editTOML(path string, sets ...tomlSet) error {
	bz, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	want := make(map[string]string, len(sets))
	for _, s := range sets {
		want[s.section+"\x00"+s.key] = s.value
	}
	found := make(map[string]bool, len(sets))
	lines := strings.Split(string(bz), "\n")
	section := ""
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") {
			section = strings.Trim(trimmed, "[]")
			continue
		}
		eq := strings.Index(trimmed, "=")
		if eq <= 0 || strings.HasPrefix(trimmed, "#") {
			continue
		}
		id := section + "\x00" + strings.TrimSpace(trimmed[:eq])
		if v, ok := want[id]; ok {
			lines[i] = strings.TrimSpace(trimmed[:eq]) + " = " + v
			found[id] = true
		}
	}
	var missing []string
	for id := range want {
		if !found[id] {
			missing = append(missing, strings.Replace(id, "\x00", ".", 1))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("%s: keys not found: %v", path, missing)
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
