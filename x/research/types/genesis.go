package types

import (
	"fmt"
	"slices"

	"cosmossdk.io/core/address"

	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// DefaultGenesis returns the default genesis: no studies, ids from 1.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextStudyId: 1}
}

// Validate checks the genesis state: every field InitGenesis relies on, the
// protocol history of each study, and that each study's counts and escrow
// agree with its participations and datasets. That the module account holds
// the escrows is checked against x/bank by InitGenesis, and that the
// participations' consents exist by InitGenesis against x/consent.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if gs.NextStudyId == 0 {
		return fmt.Errorf("next_study_id starts at 1")
	}
	studies := make(map[uint64]Study, len(gs.Studies))
	for _, s := range gs.Studies {
		if s.Id == 0 || s.Id >= gs.NextStudyId {
			return fmt.Errorf("study id %d must be in [1, next_study_id=%d)", s.Id, gs.NextStudyId)
		}
		if _, dup := studies[s.Id]; dup {
			return fmt.Errorf("study %d is listed twice", s.Id)
		}
		if err := validateStudy(s, ac); err != nil {
			return fmt.Errorf("study %d: %w", s.Id, err)
		}
		studies[s.Id] = s
	}
	if err := validateProtocolVersions(gs.ProtocolVersions, gs.Studies, studies, ac); err != nil {
		return err
	}
	if err := validateParticipations(gs.Participations, gs.Studies, studies, ac); err != nil {
		return err
	}
	return validateDatasets(gs.Datasets, gs.Studies, studies, ac)
}

func validateStudy(s Study, ac address.Codec) error {
	if err := registrytypes.ValidateOrganizationID(s.SponsorOrg); err != nil {
		return fmt.Errorf("sponsor_org: %w", err)
	}
	if err := registrytypes.ValidateOrganizationID(s.IrbOrg); err != nil {
		return fmt.Errorf("irb_org: %w", err)
	}
	if s.SponsorOrg == s.IrbOrg {
		return fmt.Errorf("irb_org must differ from sponsor_org")
	}
	if err := ValidateTitle(s.Title); err != nil {
		return err
	}
	if err := ValidateHash("protocol_hash", s.ProtocolHash); err != nil {
		return err
	}
	if err := ValidateURI("protocol_uri", s.ProtocolUri, false); err != nil {
		return err
	}
	if s.ProtocolVersion == 0 || s.ApprovedVersion > s.ProtocolVersion {
		return fmt.Errorf("protocol_version %d must be at least 1 and approved_version %d at most it", s.ProtocolVersion, s.ApprovedVersion)
	}
	cats, err := NormalizeCategories(s.RequestedCategories)
	if err != nil {
		return err
	}
	if !slices.Equal(cats, s.RequestedCategories) {
		return fmt.Errorf("requested_categories must be sorted")
	}
	if s.TargetEnrollment == 0 || s.TargetEnrollment > maxTargetEnrollmentCeiling {
		return fmt.Errorf("target_enrollment must be in [1, %d], got %d", maxTargetEnrollmentCeiling, s.TargetEnrollment)
	}
	if err := ValidateIncentive(s.Incentive); err != nil {
		return err
	}
	switch s.Status {
	case StudyStatusDraft:
		if s.CurrentVersionApproved() || s.EnrollmentCount != 0 {
			return fmt.Errorf("a DRAFT study has no approval of its current version and no participants")
		}
	case StudyStatusApproved:
		if !s.CurrentVersionApproved() || s.EnrollmentCount != 0 {
			return fmt.Errorf("an APPROVED study has its current version approved and no participants")
		}
	case StudyStatusRecruiting, StudyStatusClosed, StudyStatusCompleted:
		if s.ApprovedVersion == 0 {
			return fmt.Errorf("a %s study has been approved", s.Status)
		}
	case StudyStatusTerminated:
	default:
		return fmt.Errorf("unknown status %d", s.Status)
	}
	if (s.ResultsHash == "") != (s.ResultsUri == "") || (s.ResultsHash == "") != (s.ResultsPublishedAt == nil) {
		return fmt.Errorf("results_hash, results_uri and results_published_at are set together")
	}
	if s.ResultsHash != "" {
		if err := ValidateHash("results_hash", s.ResultsHash); err != nil {
			return err
		}
		if err := ValidateURI("results_uri", s.ResultsUri, true); err != nil {
			return err
		}
	}
	if s.EndsAt.IsZero() || s.RegisteredAt.IsZero() {
		return fmt.Errorf("ends_at and registered_at are required")
	}
	if _, err := ac.StringToBytes(s.RegisteredBy); err != nil {
		return fmt.Errorf("registered_by %q: %w", s.RegisteredBy, err)
	}
	if s.WithdrawalCount > s.EnrollmentCount || s.CurrentVersionConsents > s.ActiveParticipants() {
		return fmt.Errorf("counts: %d enrolled, %d withdrawn, %d consented to the current version", s.EnrollmentCount, s.WithdrawalCount, s.CurrentVersionConsents)
	}
	want, err := s.ExpectedEscrow()
	if err != nil {
		return err
	}
	if s.Escrow.Denom != want.Denom || !s.Escrow.Amount.Equal(want.Amount) {
		return fmt.Errorf("escrow %s, expected %s ((target - enrolled) × incentive, or zero once final)", s.Escrow, want)
	}
	return nil
}

func validateProtocolVersions(versions []ProtocolVersion, order []Study, studies map[uint64]Study, ac address.Codec) error {
	seen := make(map[uint64][]bool, len(studies))
	for _, s := range order {
		seen[s.Id] = make([]bool, s.ProtocolVersion+1)
	}
	for _, v := range versions {
		s, ok := studies[v.StudyId]
		if !ok {
			return fmt.Errorf("protocol version %d names unknown study %d", v.Version, v.StudyId)
		}
		if v.Version == 0 || v.Version > s.ProtocolVersion {
			return fmt.Errorf("study %d: protocol version %d must be in [1, %d]", s.Id, v.Version, s.ProtocolVersion)
		}
		if seen[s.Id][v.Version] {
			return fmt.Errorf("study %d: protocol version %d is listed twice", s.Id, v.Version)
		}
		seen[s.Id][v.Version] = true
		if err := ValidateHash("protocol_hash", v.ProtocolHash); err != nil {
			return fmt.Errorf("study %d version %d: %w", s.Id, v.Version, err)
		}
		if err := ValidateURI("protocol_uri", v.ProtocolUri, false); err != nil {
			return fmt.Errorf("study %d version %d: %w", s.Id, v.Version, err)
		}
		if _, err := NormalizeCategories(v.RequestedCategories); err != nil {
			return fmt.Errorf("study %d version %d: %w", s.Id, v.Version, err)
		}
		if _, err := ac.StringToBytes(v.SubmittedBy); err != nil {
			return fmt.Errorf("study %d version %d: submitted_by: %w", s.Id, v.Version, err)
		}
		if (v.ApprovedBy == "") != (v.ApprovedAt == nil) {
			return fmt.Errorf("study %d version %d: approved_by and approved_at are set together", s.Id, v.Version)
		}
		if v.ApprovedBy != "" {
			if _, err := ac.StringToBytes(v.ApprovedBy); err != nil {
				return fmt.Errorf("study %d version %d: approved_by: %w", s.Id, v.Version, err)
			}
			if v.Version > s.ApprovedVersion {
				return fmt.Errorf("study %d version %d is approved but approved_version is %d", s.Id, v.Version, s.ApprovedVersion)
			}
		}
		if v.Version == s.ApprovedVersion && v.ApprovedBy == "" {
			return fmt.Errorf("study %d: approved_version %d has no approval", s.Id, v.Version)
		}
		if v.Version == s.ProtocolVersion && (v.ProtocolHash != s.ProtocolHash || v.ProtocolUri != s.ProtocolUri ||
			!slices.Equal(v.RequestedCategories, s.RequestedCategories) || !v.EndsAt.Equal(s.EndsAt)) {
			return fmt.Errorf("study %d: its current terms differ from protocol version %d", s.Id, v.Version)
		}
	}
	for _, s := range order {
		for v := uint32(1); v <= s.ProtocolVersion; v++ {
			if !seen[s.Id][v] {
				return fmt.Errorf("study %d: protocol version %d is missing", s.Id, v)
			}
		}
	}
	return nil
}

type participationCounts struct{ enrolled, withdrawn, current uint32 }

func validateParticipations(parts []Participation, order []Study, studies map[uint64]Study, ac address.Codec) error {
	counts := make(map[uint64]*participationCounts, len(studies))
	for _, s := range order {
		counts[s.Id] = &participationCounts{}
	}
	pairs := make(map[string]bool, len(parts))
	consents := make(map[uint64]bool, len(parts))
	for _, p := range parts {
		s, ok := studies[p.StudyId]
		if !ok {
			return fmt.Errorf("participation of %s names unknown study %d", p.Patient, p.StudyId)
		}
		if _, err := ac.StringToBytes(p.Patient); err != nil {
			return fmt.Errorf("study %d: participant %q: %w", s.Id, p.Patient, err)
		}
		key := fmt.Sprintf("%d/%s", p.StudyId, p.Patient)
		if pairs[key] {
			return fmt.Errorf("study %d: participant %s is listed twice", s.Id, p.Patient)
		}
		pairs[key] = true
		if p.ConsentId == 0 || consents[p.ConsentId] {
			return fmt.Errorf("study %d: consent_id %d of a participant is zero or used twice", s.Id, p.ConsentId)
		}
		consents[p.ConsentId] = true
		if p.ConsentedVersion == 0 || p.ConsentedVersion > s.ProtocolVersion {
			return fmt.Errorf("study %d: consented_version %d must be in [1, %d]", s.Id, p.ConsentedVersion, s.ProtocolVersion)
		}
		if p.EnrolledAt.IsZero() {
			return fmt.Errorf("study %d: enrolled_at is required", s.Id)
		}
		if p.IncentivePaid.Denom != s.Incentive.Denom || !p.IncentivePaid.Amount.Equal(s.Incentive.Amount) {
			return fmt.Errorf("study %d: incentive_paid %s differs from the incentive %s", s.Id, p.IncentivePaid, s.Incentive)
		}
		c := counts[s.Id]
		c.enrolled++
		switch {
		case p.IsWithdrawn():
			c.withdrawn++
		case p.ConsentedVersion == s.ProtocolVersion:
			c.current++
		}
	}
	for _, s := range order {
		c := counts[s.Id]
		if c.enrolled != s.EnrollmentCount || c.withdrawn != s.WithdrawalCount || c.current != s.CurrentVersionConsents {
			return fmt.Errorf("study %d: counts say %d enrolled, %d withdrawn, %d on the current version; participations say %d, %d, %d",
				s.Id, s.EnrollmentCount, s.WithdrawalCount, s.CurrentVersionConsents, c.enrolled, c.withdrawn, c.current)
		}
	}
	return nil
}

func validateDatasets(datasets []Dataset, order []Study, studies map[uint64]Study, ac address.Codec) error {
	seen := make(map[uint64][]bool, len(studies))
	for _, s := range order {
		seen[s.Id] = make([]bool, s.DatasetCount+1)
	}
	hashes := make(map[string]bool, len(datasets))
	for _, d := range datasets {
		s, ok := studies[d.StudyId]
		if !ok {
			return fmt.Errorf("dataset %d names unknown study %d", d.Index, d.StudyId)
		}
		if d.Index == 0 || d.Index > s.DatasetCount || seen[s.Id][d.Index] {
			return fmt.Errorf("study %d: dataset index %d must be in [1, %d] and listed once", s.Id, d.Index, s.DatasetCount)
		}
		seen[s.Id][d.Index] = true
		if err := ValidateHash("dataset_hash", d.DatasetHash); err != nil {
			return fmt.Errorf("study %d dataset %d: %w", s.Id, d.Index, err)
		}
		key := fmt.Sprintf("%d/%s", s.Id, d.DatasetHash)
		if hashes[key] {
			return fmt.Errorf("study %d: dataset hash %s is anchored twice", s.Id, d.DatasetHash)
		}
		hashes[key] = true
		if d.RecordCount == 0 {
			return fmt.Errorf("study %d dataset %d: record_count must be at least 1", s.Id, d.Index)
		}
		if d.ProtocolVersion == 0 || d.ProtocolVersion > s.ProtocolVersion {
			return fmt.Errorf("study %d dataset %d: protocol_version %d out of range", s.Id, d.Index, d.ProtocolVersion)
		}
		if _, err := ac.StringToBytes(d.AnchoredBy); err != nil {
			return fmt.Errorf("study %d dataset %d: anchored_by: %w", s.Id, d.Index, err)
		}
		if d.AnchoredAt.IsZero() {
			return fmt.Errorf("study %d dataset %d: anchored_at is required", s.Id, d.Index)
		}
	}
	for _, s := range order {
		for i := uint32(1); i <= s.DatasetCount; i++ {
			if !seen[s.Id][i] {
				return fmt.Errorf("study %d: dataset %d is missing", s.Id, i)
			}
		}
	}
	return nil
}
