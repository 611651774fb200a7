// lib/lint fixture, never run: go vet must report a Printf verb of the wrong type.
package main

import "fmt"

func main() {
	fmt.Printf("%d\n", "not a number")
}
