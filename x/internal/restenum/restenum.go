// Package restenum lets REST (grpc-gateway v1) query parameters carry enum
// values by name.
//
// grpc-gateway v1 parses an enum query parameter through golang/protobuf's
// enum registry, which gogoproto-generated code does not fill; without this,
// `?status=CONSENT_STATUS_ACTIVE` fails with "invalid syntax" and only the
// number works. Register is called from each module's types package.
package restenum

import (
	"strings"

	gwproto "github.com/golang/protobuf/proto" //nolint:staticcheck // grpc-gateway v1 reads this registry
)

// Register makes the enum's value names usable as REST query parameters.
// Besides the wire names (ROLE_PROVIDER) it accepts the names without the
// enum's prefix (PROVIDER) when prefix is non-empty and the short name is
// unambiguous.
func Register(fullName, prefix string, values map[string]int32) {
	m := make(map[string]int32, 2*len(values))
	for name, v := range values {
		m[name] = v
	}
	if prefix != "" {
		for name, v := range values {
			short := strings.TrimPrefix(name, prefix)
			if short == name || short == "" {
				continue
			}
			if _, taken := m[short]; !taken {
				m[short] = v
			}
		}
	}
	gwproto.RegisterEnum(fullName, nil, m) //nolint:staticcheck // grpc-gateway v1 reads this registry
}
