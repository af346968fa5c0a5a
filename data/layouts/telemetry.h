/* SPDX-License-Identifier: GPL-3.0-or-later */
/* telemetry.h: a sensor daemon's telemetry block, shared read-only with its dashboards.
 *
 * One writer (the daemon) updates the block in place; readers check `sequence`
 * before and after copying a reading (a seqlock), so a torn read is detected. */
#ifndef SHMLENS_EXAMPLE_TELEMETRY_H
#define SHMLENS_EXAMPLE_TELEMETRY_H

#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#define TELEMETRY_MAGIC 0x544c4d59u          /* "TLMY" */
#define TELEMETRY_VERSION ((1 << 8) | 3)     /* 1.3 */
#define TELEMETRY_MAX_SENSORS 12
#define TELEMETRY_NAME_LEN 24
#define TELEMETRY_HISTORY (1 << 4)           /* samples kept per sensor */
#define TELEMETRY_RESERVED (64 - 2 * sizeof (uint32_t) - sizeof (uint64_t))

enum sensor_kind
{
  SENSOR_TEMPERATURE = 1,
  SENSOR_PRESSURE,
  SENSOR_HUMIDITY,
  SENSOR_VOLTAGE = 0x10,
  SENSOR_CURRENT,
};

enum sensor_health
{
  HEALTH_UNKNOWN,
  HEALTH_OK,
  HEALTH_DEGRADED,
  HEALTH_FAILED = -1,
};

struct sensor_reading
{
  struct timespec taken;        /* CLOCK_REALTIME */
  union
  {
    int32_t raw;                /* ADC counts */
    float value;                /* in the sensor's unit, once calibrated */
  };
  uint16_t calibrated : 1;
  uint16_t saturated : 1;
  uint16_t : 2;                 /* reserved */
  uint16_t gain : 4;            /* 2^gain */
  uint16_t channel : 8;
};

struct sensor
{
  char name[TELEMETRY_NAME_LEN];
  enum sensor_kind kind;
  enum sensor_health health;
  double scale;
  double offset;
  uint32_t samples_taken;
  uint32_t errors;
  struct sensor_reading last;
  int16_t history[TELEMETRY_HISTORY];  /* raw values, oldest first */
  uint8_t history_head;
};

struct telemetry_block
{
  /* header: one cache line */
  uint32_t magic;
  uint32_t version;
  volatile uint64_t sequence;          /* odd while the writer is updating */
  uint8_t reserved[TELEMETRY_RESERVED];

  pid_t writer_pid;
  bool running;
  uint8_t n_sensors;
  time_t started;
  struct timespec updated;
  struct
  {
    uint64_t cycles;
    uint32_t overruns;
    uint32_t max_cycle_us;
    float load_average[3];
  } stats;
  struct sensor sensors[TELEMETRY_MAX_SENSORS];
};

_Static_assert (sizeof (uint8_t[TELEMETRY_RESERVED]) == 48, "the header is one cache line");

#endif /* SHMLENS_EXAMPLE_TELEMETRY_H */
