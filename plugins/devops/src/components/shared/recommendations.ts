import {
  Recommendation,
  RecommendationPriority,
} from '@devops-growth/backstage-plugin-devops-common';

const PRIORITY_RANK: Record<RecommendationPriority, number> = {
  high: 0,
  medium: 1,
  low: 2,
};

/** Recommendations, most urgent first (stable within a priority). */
export function sortRecommendations(
  recommendations: Recommendation[],
): Recommendation[] {
  return recommendations
    .map((recommendation, index) => ({ recommendation, index }))
    .sort(
      (a, b) =>
        PRIORITY_RANK[a.recommendation.priority] -
          PRIORITY_RANK[b.recommendation.priority] || a.index - b.index,
    )
    .map(({ recommendation }) => recommendation);
}
