package restenum

import (
	"testing"

	gwproto "github.com/golang/protobuf/proto" //nolint:staticcheck // the registry under test
)

func TestRegisterAcceptsWireAndShortNames(t *testing.T) {
	Register("carechain.test.v1.Color", "COLOR_", map[string]int32{
		"COLOR_UNSPECIFIED": 0, "COLOR_RED": 1, "COLOR_BLUE": 2,
	})
	m := gwproto.EnumValueMap("carechain.test.v1.Color") //nolint:staticcheck // the registry grpc-gateway v1 reads
	for name, want := range map[string]int32{"COLOR_RED": 1, "RED": 1, "COLOR_BLUE": 2, "BLUE": 2} {
		if got, ok := m[name]; !ok || got != want {
			t.Errorf("%s: got %d (found %v), want %d", name, got, ok, want)
		}
	}
	if _, ok := m["GREEN"]; ok {
		t.Error("unknown name resolved")
	}
}
