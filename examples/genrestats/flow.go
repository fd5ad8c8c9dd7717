// Command genrestats is GenreStatsFlow from the Metaflow tutorial: read a
// movie CSV, compute the quartiles of gross per genre in a foreach, and join
// them into one map. A genre without any gross figures fails; the step is
// retried once and then caught, so the run still finishes.
package main

//go:generate go tool flowc

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// Movie is one row of the movie metadata file.
type Movie struct {
	Title  string
	Year   int
	Genres []string
	Gross  float64 // 0 when unknown
}

// GenreStatsFlow computes gross quartiles per genre.
//
//flow:flow
type GenreStatsFlow struct {
	// The path to a movie metadata file.
	//flow:includefile default=movies.csv
	MovieData string

	// The max number of genres to return statistics for.
	//flow:param default=5
	MaxGenres int

	Movies        []Movie
	Genres        []string
	Genre         string
	Quartiles     []float64
	GenreStats    map[string][]float64
	ComputeFailed *rt.Failure
}

// Start parses the CSV and fans out over the genres.
//
//flow:step
//flow:foreach over=Genres next=ComputeStatistics
func (f *GenreStatsFlow) Start(ctx context.Context) error {
	movies, err := parseMovies(f.MovieData)
	if err != nil {
		return err
	}
	f.Movies = movies
	seen := map[string]bool{}
	for _, m := range movies {
		for _, g := range m.Genres {
			if !seen[g] {
				seen[g] = true
				f.Genres = append(f.Genres, g)
			}
		}
	}
	slices.Sort(f.Genres)
	fmt.Printf("%d movies in %d genres\n", len(f.Movies), len(f.Genres))
	return nil
}

// ComputeStatistics computes the quartiles of one genre's gross.
//
//flow:step
//flow:next Join
//flow:catch var=ComputeFailed
//flow:retry times=1 minutes_between=0
func (f *GenreStatsFlow) ComputeStatistics(ctx context.Context, genre string) error {
	f.Genre = genre
	fmt.Printf("Computing statistics for %s\n", genre)
	var gross []float64
	for _, m := range f.Movies {
		if slices.Contains(m.Genres, genre) && m.Gross > 0 {
			gross = append(gross, m.Gross)
		}
	}
	if len(gross) == 0 {
		return fmt.Errorf("no gross figures for genre %q", genre)
	}
	slices.Sort(gross)
	f.Quartiles = []float64{quantile(gross, .25), quantile(gross, .5), quantile(gross, .75)}
	return nil
}

// Join keeps the first MaxGenres genres that could be computed.
//
//flow:step
//flow:next End
func (f *GenreStatsFlow) Join(ctx context.Context, inputs rt.Inputs[*GenreStatsFlow]) error {
	f.GenreStats = map[string][]float64{}
	for _, in := range inputs.All() {
		if in.ComputeFailed != nil {
			fmt.Printf("skipping a genre: %s\n", in.ComputeFailed.Message)
			continue
		}
		if len(f.GenreStats) < f.MaxGenres {
			f.GenreStats[strings.ToLower(in.Genre)] = in.Quartiles
		}
	}
	return nil
}

// End prints the statistics.
//
//flow:step
func (f *GenreStatsFlow) End(ctx context.Context) error {
	genres := make([]string, 0, len(f.GenreStats))
	for g := range f.GenreStats {
		genres = append(genres, g)
	}
	slices.Sort(genres)
	for _, g := range genres {
		q := f.GenreStats[g]
		fmt.Printf("%-12s q1=%.0f median=%.0f q3=%.0f\n", g, q[0], q[1], q[2])
	}
	return nil
}

func parseMovies(data string) ([]Movie, error) {
	rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reading the movie data: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("the movie data is empty")
	}
	var movies []Movie
	for i, r := range rows[1:] {
		if len(r) != 4 {
			return nil, fmt.Errorf("movie data line %d: want 4 columns, got %d", i+2, len(r))
		}
		m := Movie{Title: r[0], Genres: strings.Split(r[2], "|")}
		m.Year, _ = strconv.Atoi(r[1])
		if r[3] != "" {
			if m.Gross, err = strconv.ParseFloat(r[3], 64); err != nil {
				return nil, fmt.Errorf("movie data line %d: gross %q is not a number", i+2, r[3])
			}
		}
		movies = append(movies, m)
	}
	return movies, nil
}

// quantile interpolates linearly between the closest ranks, as pandas does.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[lo+1]-sorted[lo])
}
