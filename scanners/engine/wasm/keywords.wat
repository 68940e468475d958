;; The keyword automaton's inner loop. JavaScript table lookups chained through the DFA state run
;; at ~200 MB/s; the same loop compiled from WebAssembly runs several times faster.
;;
;; Memory layout (chosen by the caller): the transition table, the hit buffer, then the text.
;; A table entry is `row offset of the next state` (state index * 512) with bit 0 set when that
;; state ends at least one keyword. Bytes >= 128 reset to the root: no keyword contains one.
(module
  (memory (export "memory") 1)
  (global $resumePos (mut i32) (i32.const 0))
  (global $resumeState (mut i32) (i32.const 0))

  ;; Scans bytes [pos, len) of `text` from `state`; writes (position, state) pairs for each
  ;; keyword-ending state to `out`; returns the number of pairs. Stops early when `cap` pairs are
  ;; written; resumePos/resumeState tell where to continue.
  (func (export "scan")
    (param $text i32) (param $pos i32) (param $len i32) (param $state i32)
    (param $delta i32) (param $out i32) (param $cap i32) (result i32)
    (local $c i32) (local $n i32) (local $slot i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pos) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (local.get $text) (local.get $pos))))
        (if (i32.lt_u (local.get $c) (i32.const 128))
          (then
            (local.set $state
              (i32.load
                (i32.add (local.get $delta)
                  (i32.add (i32.and (local.get $state) (i32.const -2))
                           (i32.shl (local.get $c) (i32.const 2)))))))
          (else (local.set $state (i32.const 0))))
        (if (i32.and (local.get $state) (i32.const 1))
          (then
            (local.set $slot (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))))
            (i32.store (local.get $slot) (local.get $pos))
            (i32.store offset=4 (local.get $slot) (local.get $state))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (if (i32.eq (local.get $n) (local.get $cap))
              (then
                (global.set $resumePos (i32.add (local.get $pos) (i32.const 1)))
                (global.set $resumeState (local.get $state))
                (return (local.get $n))))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (br $next)))
    (global.set $resumePos (local.get $pos))
    (global.set $resumeState (local.get $state))
    (local.get $n))

  (func (export "resumePos") (result i32) (global.get $resumePos))
  (func (export "resumeState") (result i32) (global.get $resumeState)))
