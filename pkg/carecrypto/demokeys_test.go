package carecrypto

import (
	"crypto/sha256"

	"github.com/cosmos/cosmos-sdk/crypto/hd"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/go-bip39"
)

// demoMnemonic and demoPrivKey reproduce app/devnet's DemoMnemonic and
// DemoPrivKey (which cannot be imported here: app/devnet uses this package
// to publish the demo accounts' keys). vectors.json pins the resulting
// addresses and keys, so a divergence fails TestVectors.
func demoMnemonic(name string) string {
	entropy := sha256.Sum256([]byte("carechain devnet key: " + name))
	m, err := bip39.NewMnemonic(entropy[:])
	if err != nil {
		panic(err)
	}
	return m
}

func demoPrivKey(name string) cryptotypes.PrivKey {
	bz, err := hd.Secp256k1.Derive()(demoMnemonic(name), "", hd.CreateHDPath(118, 0, 0).String())
	if err != nil {
		panic(err)
	}
	return hd.Secp256k1.Generate()(bz)
}
