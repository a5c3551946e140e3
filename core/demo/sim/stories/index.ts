// The scripted stories the simulator knows, by name.
import type { Story } from '../kernel.js';
import { wandaStory } from './wanda.js';

export const STORIES: Readonly<Record<string, Story>> = { wanda: wandaStory };

export const storyNames = (): string[] => Object.keys(STORIES);

export function getStory(name: string): Story | undefined {
  return Object.hasOwn(STORIES, name) ? STORIES[name] : undefined;
}
