// Package determinism checks Carechain's state-machine code (the keeper and
// types packages of every module under x/) for what golangci-lint cannot
// express: floating-point values, goroutines, and iteration over Go maps
// whose order could decide state. Its test runs in `make test` and
// `make lint`; see docs/reliability-sim.md.
package determinism

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// StateMachinePackages matches the import paths the check covers.
var StateMachinePackages = regexp.MustCompile(`^github\.com/carechain/carechain/x/[^/]+/(keeper|types)$`)

// AllowComment, on the line of a map range or the line above it, accepts
// that loop after review: the text after it must say why the order cannot
// matter.
const AllowComment = "determinism:ok"

// Finding is one violation.
type Finding struct {
	Pos  token.Position
	What string
}

func (f Finding) String() string { return fmt.Sprintf("%s: %s", f.Pos, f.What) }

type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
	Standard   bool
}

// listPackages runs `go list -export -deps -json` on patterns from dir.
func listPackages(dir string, patterns ...string) ([]listedPackage, error) {
	args := append([]string{"list", "-export", "-deps", "-json=ImportPath,Dir,GoFiles,Export,Standard"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []listedPackage
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// CheckModule type-checks every state-machine package of the module rooted
// at dir and returns the findings.
func CheckModule(dir string) ([]Finding, []string, error) {
	pkgs, err := listPackages(dir, "./x/...")
	if err != nil {
		return nil, nil, err
	}
	exports := map[string]string{}
	for _, p := range pkgs {
		exports[p.ImportPath] = p.Export
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	var findings []Finding
	var checked []string
	for _, p := range pkgs {
		if !StateMachinePackages.MatchString(p.ImportPath) {
			continue
		}
		var files []string
		for _, f := range p.GoFiles {
			// grpc-gateway handlers are REST client plumbing, not state
			// machine (they start goroutines by design).
			if strings.HasSuffix(f, ".pb.gw.go") {
				continue
			}
			files = append(files, filepath.Join(p.Dir, f))
		}
		fs, err := CheckFiles(fset, p.ImportPath, files, imp)
		if err != nil {
			return nil, nil, err
		}
		findings = append(findings, fs...)
		checked = append(checked, p.ImportPath)
	}
	sort.Strings(checked)
	return findings, checked, nil
}

// CheckFiles type-checks one package's files and reports floats,
// goroutines and map ranges.
func CheckFiles(fset *token.FileSet, path string, filenames []string, imp types.Importer) ([]Finding, error) {
	var files []*ast.File
	for _, name := range filenames {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: imp}
	if _, err := conf.Check(path, fset, files, info); err != nil {
		return nil, fmt.Errorf("type-checking %s: %w", path, err)
	}
	var out []Finding
	report := func(pos token.Pos, what string) {
		out = append(out, Finding{Pos: fset.Position(pos), What: what})
	}
	// Floats: any expression or declared object of floating-point or
	// complex type.
	seen := map[token.Pos]bool{}
	for expr, tv := range info.Types {
		if tv.Type != nil && isFloat(tv.Type) && !seen[expr.Pos()] {
			seen[expr.Pos()] = true
			report(expr.Pos(), fmt.Sprintf("floating-point value of type %s", tv.Type))
		}
	}
	for id, obj := range info.Defs {
		if obj != nil && isFloat(obj.Type()) && !seen[id.Pos()] {
			seen[id.Pos()] = true
			report(id.Pos(), fmt.Sprintf("%s has floating-point type %s", id.Name, obj.Type()))
		}
	}
	for _, f := range files {
		allowed := allowedLines(fset, f)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				report(n.Pos(), "goroutine in state-machine code")
			case *ast.RangeStmt:
				tv, ok := info.Types[n.X]
				if !ok {
					return true
				}
				if _, isMap := tv.Type.Underlying().(*types.Map); !isMap {
					return true
				}
				line := fset.Position(n.Pos()).Line
				if allowed[line] || allowed[line-1] || collectsOnly(n) {
					return true
				}
				report(n.Pos(), "range over a map: iteration order is random; sort the keys first, or mark the loop //"+AllowComment+" with the reason order cannot matter")
			}
			return true
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pos.Filename != out[j].Pos.Filename {
			return out[i].Pos.Filename < out[j].Pos.Filename
		}
		return out[i].Pos.Offset < out[j].Pos.Offset
	})
	return out, nil
}

func isFloat(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&(types.IsFloat|types.IsComplex) != 0
}

// collectsOnly reports whether a map range only appends its key or value
// to a slice (the first step of sorting the keys), which no order can
// affect once the slice is sorted.
func collectsOnly(r *ast.RangeStmt) bool {
	if len(r.Body.List) != 1 {
		return false
	}
	as, ok := r.Body.List[0].(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return false
	}
	call, ok := as.Rhs[0].(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := call.Fun.(*ast.Ident)
	return ok && fn.Name == "append"
}

func allowedLines(fset *token.FileSet, f *ast.File) map[int]bool {
	out := map[int]bool{}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.Contains(c.Text, AllowComment) {
				out[fset.Position(c.Pos()).Line] = true
			}
		}
	}
	return out
}
