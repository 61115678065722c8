/** Every delay of the simulated kubelet and Job controller, in simulated seconds. */
export const SIM_TIMINGS = {
  /** Pod bound → sandbox ready (PodReadyToStartContainers, podIP). */
  sandboxSeconds: 0.5,
  /** A container in ContainerCreating before it runs (or fails to). */
  createSeconds: 0.5,
  /** How long `ErrImagePull` shows before `ImagePullBackOff`. */
  errImagePullSeconds: 2,
  /** ImagePullBackOff: 10 s doubling to 300 s. */
  imagePullBackoffBase: 10,
  imagePullBackoffCap: 300,
  /** CrashLoopBackOff: 10 s doubling to 300 s. */
  crashLoopBackoffBase: 10,
  crashLoopBackoffCap: 300,
  /** A crashed container shows `terminated` this long before `waiting: CrashLoopBackOff`. */
  crashShownSeconds: 0.5,
  /** CreateContainerConfigError / FailedMount retry period (a Secret event retries at once). */
  configRetrySeconds: 10,
  /** A deleted Pod leaves the store after min(deletionGracePeriodSeconds, this) once its containers stopped. */
  maxRemovalDelaySeconds: 1,
  /** Job replacement Pods: 10 s doubling to 360 s after each failure. */
  jobBackoffBase: 10,
  jobBackoffCap: 360,
} as const;
