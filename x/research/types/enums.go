package types

import "github.com/carechain/carechain/x/internal/restenum"

func init() {
	restenum.Register("carechain.research.v1.StudyStatus", "STUDY_STATUS_", StudyStatus_value)
	restenum.Register("carechain.research.v1.ParticipationStatus", "PARTICIPATION_STATUS_", ParticipationStatus_value)
}
