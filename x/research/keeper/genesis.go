package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/carechain/carechain/x/research/types"
)

// InitGenesis loads the research state and rebuilds every index. It runs
// after x/bank and x/consent: it fails unless the module account holds
// exactly the studies' escrows and every current participation's consent
// is a research consent of that patient naming the sponsor.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return fmt.Errorf("research genesis: %w", err)
	}
	// Creates the module account if the genesis does not list it.
	k.accounts.GetModuleAccount(ctx, types.ModuleName)
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.StudySeq.Set(ctx, gs.NextStudyId); err != nil {
		return err
	}
	studies := make(map[uint64]types.Study, len(gs.Studies))
	for _, s := range gs.Studies {
		if err := k.insertStudy(ctx, s); err != nil {
			return err
		}
		studies[s.Id] = s
	}
	for _, v := range gs.ProtocolVersions {
		if err := k.ProtocolVersions.Set(ctx, collections.Join(v.StudyId, v.Version), v); err != nil {
			return err
		}
	}
	for _, p := range gs.Participations {
		patient, err := k.addressCodec.StringToBytes(p.Patient)
		if err != nil {
			return err
		}
		key := collections.Join(p.StudyId, sdk.AccAddress(patient))
		if err := k.Participations.Set(ctx, key, p); err != nil {
			return err
		}
		if p.IsWithdrawn() {
			continue
		}
		c, err := k.consent.GetConsent(ctx, p.ConsentId)
		if err != nil {
			return fmt.Errorf("research genesis: participation of %s in study %d: %w", p.Patient, p.StudyId, err)
		}
		if c.ManagedBy != types.ModuleName || c.Patient != p.Patient || c.GranteeOrg != studies[p.StudyId].SponsorOrg {
			return fmt.Errorf("research genesis: consent %d is not the research consent of %s for study %d", c.Id, p.Patient, p.StudyId)
		}
		if err := k.ParticipationByConsent.Set(ctx, p.ConsentId, key); err != nil {
			return err
		}
	}
	for _, d := range gs.Datasets {
		if err := k.Datasets.Set(ctx, collections.Join(d.StudyId, d.Index), d); err != nil {
			return err
		}
		if err := k.DatasetHashes.Set(ctx, collections.Join(d.StudyId, d.DatasetHash)); err != nil {
			return err
		}
	}
	if err := k.CheckEscrowBalances(ctx); err != nil {
		return fmt.Errorf("research genesis: %w", err)
	}
	return nil
}

// ExportGenesis writes out the whole research state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	next, err := k.StudySeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, NextStudyId: next}
	err = k.Studies.Walk(ctx, nil, func(_ uint64, s types.Study) (bool, error) {
		gs.Studies = append(gs.Studies, s)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.ProtocolVersions.Walk(ctx, nil, func(_ collections.Pair[uint64, uint32], v types.ProtocolVersion) (bool, error) {
		gs.ProtocolVersions = append(gs.ProtocolVersions, v)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Participations.Walk(ctx, nil, func(_ ParticipationKey, p types.Participation) (bool, error) {
		gs.Participations = append(gs.Participations, p)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Datasets.Walk(ctx, nil, func(_ collections.Pair[uint64, uint32], d types.Dataset) (bool, error) {
		gs.Datasets = append(gs.Datasets, d)
		return false, nil
	})
	return gs, err
}
