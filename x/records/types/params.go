package types

import "fmt"

// Default parameters.
const (
	// DefaultMaxSizeBytes is 4 GiB: room for an imaging study, a bound on
	// what the off-chain store is asked to keep per record.
	DefaultMaxSizeBytes uint64 = 4 << 30
	// DefaultMaxInitialEnvelopes is how many key envelopes one
	// MsgCreateRecord may carry.
	DefaultMaxInitialEnvelopes uint32 = 16
	// DefaultMaxEnvelopesPerRecord is how many key envelopes one record may
	// hold.
	DefaultMaxEnvelopesPerRecord uint32 = 64
)

// Ceilings that keep governance from making bounded work unbounded in
// practice.
const (
	maxSizeBytesCeiling          uint64 = 1 << 40 // 1 TiB
	maxInitialEnvelopesCeiling   uint32 = 64
	maxEnvelopesPerRecordCeiling uint32 = 1024
)

// DefaultParams returns the default parameters.
func DefaultParams() Params {
	return Params{
		MaxSizeBytes:          DefaultMaxSizeBytes,
		MaxInitialEnvelopes:   DefaultMaxInitialEnvelopes,
		MaxEnvelopesPerRecord: DefaultMaxEnvelopesPerRecord,
	}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.MaxSizeBytes == 0 || p.MaxSizeBytes > maxSizeBytesCeiling {
		return fmt.Errorf("max_size_bytes must be in [1, %d], got %d", maxSizeBytesCeiling, p.MaxSizeBytes)
	}
	if p.MaxEnvelopesPerRecord == 0 || p.MaxEnvelopesPerRecord > maxEnvelopesPerRecordCeiling {
		return fmt.Errorf("max_envelopes_per_record must be in [1, %d], got %d", maxEnvelopesPerRecordCeiling, p.MaxEnvelopesPerRecord)
	}
	if p.MaxInitialEnvelopes == 0 || p.MaxInitialEnvelopes > maxInitialEnvelopesCeiling {
		return fmt.Errorf("max_initial_envelopes must be in [1, %d], got %d", maxInitialEnvelopesCeiling, p.MaxInitialEnvelopes)
	}
	if p.MaxInitialEnvelopes > p.MaxEnvelopesPerRecord {
		return fmt.Errorf("max_initial_envelopes (%d) must not exceed max_envelopes_per_record (%d)", p.MaxInitialEnvelopes, p.MaxEnvelopesPerRecord)
	}
	return nil
}
