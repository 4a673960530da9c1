package types

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consenttypes "github.com/carechain/carechain/x/consent/types"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Limits of a study's public fields.
const (
	MaxTitleLength = 160
	MaxURILength   = 256
	// MaxRequestedCategories is x/consent's limit on a consent's categories.
	MaxRequestedCategories = consenttypes.MaxCategories
)

// Suspension reasons the research guard gives x/consent's CheckAccess, and
// that explain a participation's status.
const (
	// ReasonReconsentRequired: the protocol was amended; the IRB has not
	// approved the new version yet or the participant has not re-consented.
	ReasonReconsentRequired = "reconsent_required"
	// ReasonStudyEnded: the study is COMPLETED or TERMINATED or past ends_at.
	ReasonStudyEnded = "study_ended"
	// ReasonWithdrawn: the participant withdrew.
	ReasonWithdrawn = "withdrawn"
	// ReasonNoParticipation: a consent managed by research that backs no
	// current participation (never expected; fails closed).
	ReasonNoParticipation = "no_participation"
)

var (
	// titleRe admits letters, digits, spaces and a little punctuation: enough
	// for "Phase 2 trial of X in adults (NW-204)", not for e-mail addresses,
	// URLs or free-form notes.
	titleRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 .,:;()/'&+-]*$`)
	uriRe   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$`)
)

// ValidateTitle checks a study title: 1-160 characters of letters, digits,
// single spaces and . , : ; ( ) / ' & + - starting with a letter or digit and
// not ending with a space. The title is public; it must not contain PHI.
func ValidateTitle(title string) error {
	if title == "" || len(title) > MaxTitleLength {
		return fmt.Errorf("title must be 1-%d characters, got %d", MaxTitleLength, len(title))
	}
	if !titleRe.MatchString(title) {
		return fmt.Errorf("title may contain only letters, digits, spaces and . , : ; ( ) / ' & + - and must start with a letter or digit")
	}
	for i := 1; i < len(title); i++ {
		if title[i] == ' ' && title[i-1] == ' ' {
			return fmt.Errorf("title must not contain consecutive spaces")
		}
	}
	if title[len(title)-1] == ' ' {
		return fmt.Errorf("title must not end with a space")
	}
	return nil
}

// ValidateURI checks a URI field: a scheme and printable ASCII without
// spaces, at most 256 characters. required says whether it may be empty.
func ValidateURI(field, uri string, required bool) error {
	if uri == "" {
		if required {
			return fmt.Errorf("%s is required", field)
		}
		return nil
	}
	if len(uri) > MaxURILength || !uriRe.MatchString(uri) {
		return fmt.Errorf("%s must be a URI (scheme:...) of printable ASCII without spaces, at most %d characters", field, MaxURILength)
	}
	return nil
}

// ValidateHash checks a SHA-256 digest in 64 lowercase hex characters.
func ValidateHash(field, h string) error {
	if !registrytypes.IsSHA256Hex(h) {
		return fmt.Errorf("%s must be a SHA-256 digest as 64 lowercase hex characters", field)
	}
	return nil
}

// NormalizeCategories checks the requested categories (1 to 32 codes in
// x/consent's category form, none repeated) and returns them sorted. A study
// must name the categories it needs: an empty list would mean every category
// of the participant's data.
func NormalizeCategories(cats []string) ([]string, error) {
	if len(cats) == 0 {
		return nil, fmt.Errorf("requested_categories must name at least one category")
	}
	if len(cats) > MaxRequestedCategories {
		return nil, fmt.Errorf("%d requested categories, the limit is %d", len(cats), MaxRequestedCategories)
	}
	out := slices.Clone(cats)
	slices.Sort(out)
	for i, c := range out {
		if err := consenttypes.ValidateCategory(c); err != nil {
			return nil, err
		}
		if i > 0 && out[i-1] == c {
			return nil, fmt.Errorf("category %q is listed twice", c)
		}
	}
	return out, nil
}

// ValidateIncentive checks the per-participant incentive: a valid denom
// and a non-negative amount (zero for unpaid studies).
func ValidateIncentive(c sdk.Coin) error {
	if err := sdk.ValidateDenom(c.Denom); err != nil {
		return fmt.Errorf("incentive denom: %w", err)
	}
	if c.Amount.IsNil() || c.Amount.IsNegative() {
		return fmt.Errorf("incentive amount must be zero or positive")
	}
	return nil
}

// EscrowFor returns incentive × slots in the incentive's denom, or an error
// if it does not fit in an amount.
func EscrowFor(incentive sdk.Coin, slots uint32) (sdk.Coin, error) {
	amt, err := incentive.Amount.SafeMul(math.NewIntFromUint64(uint64(slots)))
	if err != nil {
		return sdk.Coin{}, fmt.Errorf("incentive × target_enrollment is too large: %w", err)
	}
	return sdk.NewCoin(incentive.Denom, amt), nil
}

// IsFinal reports whether the study is COMPLETED or TERMINATED.
func (s Study) IsFinal() bool {
	return s.Status == StudyStatusCompleted || s.Status == StudyStatusTerminated
}

// CurrentVersionApproved reports whether the IRB approved the current
// protocol version.
func (s Study) CurrentVersionApproved() bool {
	return s.ApprovedVersion != 0 && s.ApprovedVersion == s.ProtocolVersion
}

// EndedAt reports whether the study has ended at t: COMPLETED, TERMINATED,
// or t at or after ends_at.
func (s Study) EndedAt(t time.Time) bool {
	return s.IsFinal() || !t.Before(s.EndsAt)
}

// ExpectedEscrow is what the study must hold: the incentives of the slots
// not yet enrolled while it runs, nothing once it is final.
func (s Study) ExpectedEscrow() (sdk.Coin, error) {
	if s.IsFinal() {
		return sdk.NewCoin(s.Incentive.Denom, math.ZeroInt()), nil
	}
	if s.EnrollmentCount > s.TargetEnrollment {
		return sdk.Coin{}, fmt.Errorf("study %d: enrollment_count %d exceeds target_enrollment %d", s.Id, s.EnrollmentCount, s.TargetEnrollment)
	}
	return EscrowFor(s.Incentive, s.TargetEnrollment-s.EnrollmentCount)
}

// ActiveParticipants is enrollment_count - withdrawal_count.
func (s Study) ActiveParticipants() uint32 {
	if s.WithdrawalCount > s.EnrollmentCount {
		return 0
	}
	return s.EnrollmentCount - s.WithdrawalCount
}

// IsWithdrawn reports whether the participant withdrew.
func (p Participation) IsWithdrawn() bool { return p.WithdrawnAt != nil }

// ParticipationStatusAt derives a participant's status at block time now,
// with the reason their research access is suspended ("" when it is not).
// Nothing is written when a protocol is amended: a participation remembers
// the version it consented to, and the comparison here (and in the consent
// guard) decides.
func ParticipationStatusAt(s Study, p Participation, now time.Time) (ParticipationStatus, string) {
	switch {
	case p.IsWithdrawn():
		return ParticipationStatusWithdrawn, ReasonWithdrawn
	case s.EndedAt(now):
		return ParticipationStatusStudyEnded, ReasonStudyEnded
	case !s.CurrentVersionApproved() || p.ConsentedVersion != s.ProtocolVersion:
		return ParticipationStatusReconsentRequired, ReasonReconsentRequired
	default:
		return ParticipationStatusEnrolled, ""
	}
}

// TransitionAllowed reports whether a sponsor may move a study from one
// status to another with MsgSetStudyStatus. DRAFT → APPROVED is the IRB's
// (MsgApproveStudy); COMPLETED and TERMINATED are final.
func TransitionAllowed(from, to StudyStatus) bool {
	switch to {
	case StudyStatusRecruiting:
		return from == StudyStatusApproved || from == StudyStatusClosed
	case StudyStatusClosed:
		return from == StudyStatusRecruiting
	case StudyStatusCompleted:
		return from == StudyStatusRecruiting || from == StudyStatusClosed
	case StudyStatusTerminated:
		return from == StudyStatusDraft || from == StudyStatusApproved || from == StudyStatusRecruiting || from == StudyStatusClosed
	default:
		return false
	}
}
