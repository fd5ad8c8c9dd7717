package bad

import (
	"context"
)

// Out-of-range cron fields and a timezone the tz database does not know:
// AWS would refuse them only at deploy time.
//
//flow:flow
//flow:schedule cron="99 25 * * ? *" timezone=Mars/Olympus
type BadSchedule struct{}

//flow:step
//flow:next End
func (f *BadSchedule) Start(ctx context.Context) error { return nil }

//flow:step
func (f *BadSchedule) End(ctx context.Context) error { return nil }

// Unix cron has five fields; AWS has six and wants "?" in one day field.
//
//flow:flow
//flow:schedule cron="0 9 * * MON-FRI"
type FiveFields struct{}

//flow:step
//flow:next End
func (f *FiveFields) Start(ctx context.Context) error { return nil }

//flow:step
func (f *FiveFields) End(ctx context.Context) error { return nil }
