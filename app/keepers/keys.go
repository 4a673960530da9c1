package keepers

import (
	storetypes "cosmossdk.io/store/types"
	evidencetypes "cosmossdk.io/x/evidence/types"
	"cosmossdk.io/x/feegrant"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	claimstypes "github.com/carechain/carechain/x/claims/types"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	recordstypes "github.com/carechain/carechain/x/records/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
	researchtypes "github.com/carechain/carechain/x/research/types"
)

// storeKeyNames lists every KV store the application mounts. Adding a module
// means adding its store key here and, on a live chain, an upgrade that adds
// the store (see app/upgrades).
func storeKeyNames() []string {
	return []string{
		authtypes.StoreKey,
		banktypes.StoreKey,
		stakingtypes.StoreKey,
		distrtypes.StoreKey,
		slashingtypes.StoreKey,
		govtypes.StoreKey,
		consensusparamtypes.StoreKey,
		upgradetypes.StoreKey,
		evidencetypes.StoreKey,
		authz.ModuleName,
		feegrant.StoreKey,
		registrytypes.StoreKey,
		claimstypes.StoreKey,
		consenttypes.StoreKey,
		researchtypes.StoreKey,
		recordstypes.StoreKey,
	}
}

// GenerateKeys creates the store keys the application mounts.
func (k *AppKeepers) GenerateKeys() {
	k.keys = storetypes.NewKVStoreKeys(storeKeyNames()...)
	k.tkeys = storetypes.NewTransientStoreKeys()
	k.memKeys = storetypes.NewMemoryStoreKeys()
}

// KVStoreKeys returns all KV store keys.
func (k *AppKeepers) KVStoreKeys() map[string]*storetypes.KVStoreKey { return k.keys }

// TransientStoreKeys returns all transient store keys.
func (k *AppKeepers) TransientStoreKeys() map[string]*storetypes.TransientStoreKey { return k.tkeys }

// MemoryStoreKeys returns all memory store keys.
func (k *AppKeepers) MemoryStoreKeys() map[string]*storetypes.MemoryStoreKey { return k.memKeys }

// GetKey returns the KV store key with the given name (tests and export).
func (k *AppKeepers) GetKey(name string) *storetypes.KVStoreKey { return k.keys[name] }
