package main

import (
	"context"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/rt"
)

// Movie is one row of the movie data.
type Movie struct {
	Title  string
	Genres []string
	Gross  float64
}

// GenreStatsFlow computes gross quartiles per genre.
//
//flow:flow
//flow:schedule daily
//flow:project name=demo_project
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
	scratch       int
}

// Start parses the movies and lists the genres.
//
//flow:step
//flow:foreach over=Genres next=ComputeStatistics
func (f *GenreStatsFlow) Start(ctx context.Context) error {
	seen := map[string]bool{}
	for _, line := range strings.Split(f.MovieData, "\n") {
		if line == "" {
			continue
		}
		m := Movie{Title: line}
		f.Movies = append(f.Movies, m)
		seen[line] = true
	}
	for g := range seen {
		f.Genres = append(f.Genres, g)
	}
	sort.Strings(f.Genres)
	return nil
}

// ComputeStatistics computes the quartiles of one genre.
//
//flow:step
//flow:next Join
//flow:catch var=ComputeFailed
//flow:retry times=1
func (f *GenreStatsFlow) ComputeStatistics(ctx context.Context, genre string) error {
	f.Genre = genre
	f.Quartiles = f.quartiles()
	return nil
}

func (f *GenreStatsFlow) quartiles() []float64 {
	f.scratch++
	return make([]float64, len(f.Movies))
}

//flow:step
//flow:next End
func (f *GenreStatsFlow) Join(ctx context.Context, inputs rt.Inputs[*GenreStatsFlow]) error {
	f.GenreStats = map[string][]float64{}
	for _, in := range inputs.All() {
		f.GenreStats[in.Genre] = in.Quartiles
	}
	return nil
}

//flow:step
func (f *GenreStatsFlow) End(ctx context.Context) error { return nil }
