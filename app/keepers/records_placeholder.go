package keepers

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	claimstypes "github.com/carechain/carechain/x/claims/types"
)

// TEMPORARY: x/records is not wired into this tree yet. noRecords stands in
// for the x/records keeper as x/claims's RecordsKeeper so that the app
// builds; it knows no record, so a claim that cites evidence records is
// refused (ErrEvidenceNotFound) and claims without evidence work.
// The integrator replaces it with the real x/records keeper in
// NewAppKeepers and deletes this file.
type noRecords struct{}

var _ claimstypes.RecordsKeeper = noRecords{}

// RecordPatient always reports that the record does not exist.
func (noRecords) RecordPatient(_ context.Context, id uint64) (sdk.AccAddress, error) {
	return nil, errorsmod.Wrapf(sdkerrors.ErrNotFound, "record %d: x/records is not wired yet", id)
}
