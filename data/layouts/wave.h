/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wave.h: a small telemetry block of three waveforms, one sample per step (the "wave" writer).
 *
 * On every step the writer computes sample n of three waves with a period of
 * WAVE_PERIOD samples, shifted by `phase` samples (k = (n + phase) mod period):
 * a sine, a square and a sawtooth, of amplitude WAVE_AMPLITUDE, and the sine with a
 * little noise. The values are stored first and `sample` last, without a lock: a
 * reader may see values of the next sample beside the number of the previous one
 * (seqlock.h shows how to prevent that). Shmlens's wave writer is compiled with this
 * header. */
#ifndef SHMLENS_WAVE_H
#define SHMLENS_WAVE_H

#include <stdint.h>
#include <sys/types.h>

#define WAVE_MAGIC 0x45564157u          /* the bytes "WAVE" in a hex dump */
#define WAVE_PERIOD 64                  /* samples in one period of each wave */
#define WAVE_AMPLITUDE 100              /* the peak value of each wave */
#define WAVE_NOISE 5                    /* the noise is within ±WAVE_NOISE */

struct wave
{
  uint32_t magic;                       /* WAVE_MAGIC once set up */
  pid_t writer_pid;                     /* the process writing the samples */
  uint64_t heartbeat;                   /* when it wrote the last sample: CLOCK_MONOTONIC, µs */
  uint64_t sample;                      /* n: the number of the sample below */
  uint32_t period;                      /* WAVE_PERIOD */
  uint32_t phase;                       /* samples the waves are shifted by (from the seed) */
  double sine;                          /* WAVE_AMPLITUDE * sin (2 pi k / period) */
  float sawtooth;                       /* -WAVE_AMPLITUDE + 2 WAVE_AMPLITUDE k / period */
  int32_t square;                       /* +WAVE_AMPLITUDE for k < period / 2, else - */
  float noisy_sine;                     /* sine plus noise, the same for the same seed */
  uint32_t reserved;
};

#endif /* SHMLENS_WAVE_H */
