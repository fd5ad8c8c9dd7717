package flows

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
type Files struct {
	// The movies, embedded when present.
	//flow:includefile default=movies.csv
	Movies string
	// Raw bytes, no default.
	//flow:includefile name=blob
	Blob []byte
	// A default that does not exist at generate time.
	//flow:includefile default=missing.txt
	Later []byte
	//flow:includefile default=data/table.csv
	Table string
}

//flow:step
//flow:next End
func (f *Files) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *Files) End(ctx context.Context) error {
	return nil
}
