package app

import "encoding/json"

// GenesisState is the application genesis: one raw JSON document per module,
// keyed by module name.
type GenesisState map[string]json.RawMessage
