;; The keyword automaton's inner loop. JavaScript table lookups chained through the DFA state run
;; at ~200 MB/s; the same loop compiled from WebAssembly runs faster, and a loop of few
;; instructions per byte matters more than anything else here.
;;
;; Tables (written by the caller at fixed addresses, so that loads reach them through their
;; offset immediates and no register holds them): at 0, 256 bytes mapping each byte to its class
;; times 2 (a byte offset into a row of 16-bit cells); at 512, the transition table. Bytes that
;; occur in no keyword share class 0, so a row holds only as many cells as the keywords have
;; distinct characters (case folded) and the table stays small. A cell is the next state's index;
;; states at or above `hitFrom` end at least one keyword.
(module
  (memory (export "memory") 1)
  (global $resumePos (mut i32) (i32.const 0))
  (global $resumeState (mut i32) (i32.const 0))

  ;; Scans bytes [pos, len) of `text` from `state`; writes (position, state) pairs for each
  ;; keyword-ending state to `out` (the position of the keyword's last byte); returns the number
  ;; of pairs. Stops early when `cap` pairs are written; resumePos/resumeState tell where to
  ;; continue. A row is `1 << rowShift` bytes long.
  (func (export "scan")
    (param $text i32) (param $pos i32) (param $len i32) (param $state i32)
    (param $rowShift i32) (param $hitFrom i32) (param $out i32) (param $cap i32) (result i32)
    (local $n i32) (local $slot i32) (local $end i32)
    (local.set $pos (i32.add (local.get $text) (local.get $pos)))
    (local.set $end (i32.add (local.get $text) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pos) (local.get $end)))
        (local.set $state
          (i32.load16_u offset=512
            (i32.add (i32.shl (local.get $state) (local.get $rowShift))
                     (i32.load8_u (i32.load8_u (local.get $pos))))))
        (if (i32.ge_u (local.get $state) (local.get $hitFrom))
          (then
            (local.set $slot (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))))
            (i32.store (local.get $slot) (i32.sub (local.get $pos) (local.get $text)))
            (i32.store offset=4 (local.get $slot) (local.get $state))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (if (i32.eq (local.get $n) (local.get $cap))
              (then
                (global.set $resumePos
                  (i32.add (i32.sub (local.get $pos) (local.get $text)) (i32.const 1)))
                (global.set $resumeState (local.get $state))
                (return (local.get $n))))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (br $next)))
    (global.set $resumePos (i32.sub (local.get $pos) (local.get $text)))
    (global.set $resumeState (local.get $state))
    (local.get $n))

  ;; One state chain is bound by the latency of its loads (each lookup needs the previous state),
  ;; so long texts are cut into four segments that four independent lanes scan in one loop.
  ;; Lane k's record at `lanes + 8k` holds its position and state (i32s). Advances every lane by
  ;; `steps` bytes (the caller makes sure each has that many left, and that `out` has room for
  ;; 4 * steps pairs). Hits are written to `out` as (address of the keyword's last byte,
  ;; state | lane << 16) pairs; returns their number.
  (func (export "scan4")
    (param $text i32) (param $lanes i32) (param $steps i32) (param $rowShift i32) (param $hitFrom i32)
    (param $out i32) (result i32)
    (local $p i32) (local $end i32) (local $o i32)
    (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local.set $p (i32.add (local.get $text) (i32.load (local.get $lanes))))
    (local.set $end (i32.add (local.get $p) (local.get $steps)))
    (local.set $o (local.get $out))
    (local.set $d1 (i32.sub (i32.load offset=8 (local.get $lanes)) (i32.load (local.get $lanes))))
    (local.set $d2 (i32.sub (i32.load offset=16 (local.get $lanes)) (i32.load (local.get $lanes))))
    (local.set $d3 (i32.sub (i32.load offset=24 (local.get $lanes)) (i32.load (local.get $lanes))))
    (local.set $s0 (i32.load offset=4 (local.get $lanes)))
    (local.set $s1 (i32.load offset=12 (local.get $lanes)))
    (local.set $s2 (i32.load offset=20 (local.get $lanes)))
    (local.set $s3 (i32.load offset=28 (local.get $lanes)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s0
          (i32.load16_u offset=512
            (i32.add (i32.shl (local.get $s0) (local.get $rowShift))
                     (i32.load8_u (i32.load8_u (local.get $p))))))
        (if (i32.ge_u (local.get $s0) (local.get $hitFrom))
          (then
            (i32.store (local.get $o) (local.get $p))
            (i32.store offset=4 (local.get $o) (local.get $s0))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (local.set $s1
          (i32.load16_u offset=512
            (i32.add (i32.shl (local.get $s1) (local.get $rowShift))
                     (i32.load8_u (i32.load8_u (i32.add (local.get $p) (local.get $d1)))))))
        (if (i32.ge_u (local.get $s1) (local.get $hitFrom))
          (then
            (i32.store (local.get $o) (i32.add (local.get $p) (local.get $d1)))
            (i32.store offset=4 (local.get $o) (i32.or (local.get $s1) (i32.const 65536)))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (local.set $s2
          (i32.load16_u offset=512
            (i32.add (i32.shl (local.get $s2) (local.get $rowShift))
                     (i32.load8_u (i32.load8_u (i32.add (local.get $p) (local.get $d2)))))))
        (if (i32.ge_u (local.get $s2) (local.get $hitFrom))
          (then
            (i32.store (local.get $o) (i32.add (local.get $p) (local.get $d2)))
            (i32.store offset=4 (local.get $o) (i32.or (local.get $s2) (i32.const 131072)))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (local.set $s3
          (i32.load16_u offset=512
            (i32.add (i32.shl (local.get $s3) (local.get $rowShift))
                     (i32.load8_u (i32.load8_u (i32.add (local.get $p) (local.get $d3)))))))
        (if (i32.ge_u (local.get $s3) (local.get $hitFrom))
          (then
            (i32.store (local.get $o) (i32.add (local.get $p) (local.get $d3)))
            (i32.store offset=4 (local.get $o) (i32.or (local.get $s3) (i32.const 196608)))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (i32.store offset=0 (local.get $lanes) (i32.sub (local.get $p) (local.get $text)))
    (i32.store offset=8 (local.get $lanes) (i32.sub (i32.add (local.get $p) (local.get $d1)) (local.get $text)))
    (i32.store offset=16 (local.get $lanes) (i32.sub (i32.add (local.get $p) (local.get $d2)) (local.get $text)))
    (i32.store offset=24 (local.get $lanes) (i32.sub (i32.add (local.get $p) (local.get $d3)) (local.get $text)))
    (i32.store offset=4 (local.get $lanes) (local.get $s0))
    (i32.store offset=12 (local.get $lanes) (local.get $s1))
    (i32.store offset=20 (local.get $lanes) (local.get $s2))
    (i32.store offset=28 (local.get $lanes) (local.get $s3))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 3)))

  ;; UTF-16 code units of the valid UTF-8 bytes [from, to) of `text`: every byte but a
  ;; continuation byte starts a character, and 4-byte sequences take two units.
  (func (export "units") (param $text i32) (param $from i32) (param $to i32) (result i32)
    (local $c i32) (local $units i32)
    (local.set $from (i32.add (local.get $text) (local.get $from)))
    (local.set $to (i32.add (local.get $text) (local.get $to)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $c (i32.load8_u (local.get $from)))
        (local.set $units
          (i32.add (local.get $units)
            (i32.add
              (i32.ne (i32.and (local.get $c) (i32.const 0xc0)) (i32.const 0x80))
              (i32.ge_u (local.get $c) (i32.const 0xf0)))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next)))
    (local.get $units))

  (func (export "resumePos") (result i32) (global.get $resumePos))
  (func (export "resumeState") (result i32) (global.get $resumeState)))
